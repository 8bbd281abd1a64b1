/**
 * The registry sample: a Eureka server.
 */
@NullMarked
package dev.switchboard.sample.registry;

import org.jspecify.annotations.NullMarked;
