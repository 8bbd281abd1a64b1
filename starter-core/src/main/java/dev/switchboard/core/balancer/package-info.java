/**
 * Client-side load balancers, fed with the outcome of every call.
 */
@NullMarked
package dev.switchboard.core.balancer;

import org.jspecify.annotations.NullMarked;
