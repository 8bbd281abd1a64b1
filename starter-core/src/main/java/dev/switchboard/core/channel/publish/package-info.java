/**
 * Support for binder implementations: the one deadline and the one true outcome of every publish, and the bound
 * on publishes pending in a binder ({@link dev.switchboard.core.channel.publish.PublishWindow}).
 */
@NullMarked
package dev.switchboard.core.channel.publish;

import org.jspecify.annotations.NullMarked;
