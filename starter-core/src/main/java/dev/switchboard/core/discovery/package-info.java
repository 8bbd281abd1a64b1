/**
 * Discovery view used by clients: a cached, last-known-good snapshot over one discovery backend.
 */
@NullMarked
package dev.switchboard.core.discovery;

import org.jspecify.annotations.NullMarked;
