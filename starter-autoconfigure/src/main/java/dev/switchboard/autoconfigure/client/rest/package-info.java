/**
 * The REST transport of service clients: Spring HTTP service groups routed through discovery.
 */
@NullMarked
package dev.switchboard.autoconfigure.client.rest;

import org.jspecify.annotations.NullMarked;
