/**
 * Support for binder implementations: what every broker binder does the same way around a listener.
 */
@NullMarked
package dev.switchboard.core.channel.support;

import org.jspecify.annotations.NullMarked;
