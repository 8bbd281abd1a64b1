/**
 * The inventory sample service.
 */
@NullMarked
package dev.switchboard.sample.inventory;

import org.jspecify.annotations.NullMarked;
