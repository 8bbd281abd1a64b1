/**
 * DNS discovery backend: service instances from SRV or A/AAAA records, resolved with dnsjava.
 */
@NullMarked
package dev.switchboard.autoconfigure.discovery.dns;

import org.jspecify.annotations.NullMarked;
