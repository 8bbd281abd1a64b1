/**
 * The order sample service.
 */
@NullMarked
package dev.switchboard.sample.order;

import org.jspecify.annotations.NullMarked;
