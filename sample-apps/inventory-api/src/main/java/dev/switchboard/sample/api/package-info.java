/**
 * The inventory API shared by the inventory service (server) and the order service (client).
 */
@NullMarked
package dev.switchboard.sample.api;

import org.jspecify.annotations.NullMarked;
