/**
 * The configuration reference (docs/configuration.md), generated from the configuration metadata.
 */
@NullMarked
package dev.switchboard.autoconfigure.docs;

import org.jspecify.annotations.NullMarked;
