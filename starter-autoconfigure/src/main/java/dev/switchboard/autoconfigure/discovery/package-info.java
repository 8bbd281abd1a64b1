/**
 * Auto-configuration of the discovery backend chosen by {@code switchboard.discovery.type}.
 */
@NullMarked
package dev.switchboard.autoconfigure.discovery;

import org.jspecify.annotations.NullMarked;
