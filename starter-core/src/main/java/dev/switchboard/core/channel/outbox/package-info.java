/**
 * Transport-neutral policy of the transactional outbox: which stored messages a relay may publish now.
 */
@NullMarked
package dev.switchboard.core.channel.outbox;

import org.jspecify.annotations.NullMarked;
