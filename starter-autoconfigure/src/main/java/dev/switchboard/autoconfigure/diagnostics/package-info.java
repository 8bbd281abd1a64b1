/**
 * Startup failure analysis: every bad Switchboard property is named in the startup error.
 */
@NullMarked
package dev.switchboard.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;
