/**
 * The notification sample service.
 */
@NullMarked
package dev.switchboard.sample.notification;

import org.jspecify.annotations.NullMarked;
