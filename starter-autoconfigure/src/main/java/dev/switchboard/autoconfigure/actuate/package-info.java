/**
 * Actuator support: the {@code switchboard} endpoint describing clients, channels and discovery.
 */
@NullMarked
package dev.switchboard.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
