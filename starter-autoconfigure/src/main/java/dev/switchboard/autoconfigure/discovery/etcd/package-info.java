/**
 * The etcd v3 discovery backend: instances as JSON under a key prefix, self-registration under a lease, and a
 * watch that brings changes into Switchboard's discovery cache.
 */
@NullMarked
package dev.switchboard.autoconfigure.discovery.etcd;

import org.jspecify.annotations.NullMarked;
