/**
 * Micrometer observations of service client calls and channel messages, with their conventions.
 */
@NullMarked
package dev.switchboard.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
