/**
 * Service client calls under hard faults: an instance that accepts and never answers, a SYN that is never answered.
 */
@NullMarked
package dev.switchboard.test.fault.calls;

import org.jspecify.annotations.NullMarked;
