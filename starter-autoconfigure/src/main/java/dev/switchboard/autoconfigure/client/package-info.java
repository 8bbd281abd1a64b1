/**
 * Auto-configuration of {@code @ServiceClient} interfaces as injectable beans.
 */
@NullMarked
package dev.switchboard.autoconfigure.client;

import org.jspecify.annotations.NullMarked;
