/**
 * Annotations that declare Switchboard clients, publishers and listeners.
 */
@NullMarked
package dev.switchboard.core.annotation;

import org.jspecify.annotations.NullMarked;
