/**
 * Switchboard's balancers offered to Spring Cloud LoadBalancer, so that {@code @LoadBalanced} clients use them.
 */
@NullMarked
package dev.switchboard.autoconfigure.loadbalancer;

import org.jspecify.annotations.NullMarked;
