/**
 * Spring wiring for channels: properties, publisher proxies for {@code @ChannelClient} interfaces, subscriptions
 * for {@code @ChannelListener} methods, JSON conversion and the binder beans.
 */
@NullMarked
package dev.switchboard.autoconfigure.channel;

import org.jspecify.annotations.NullMarked;
