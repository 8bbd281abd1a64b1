/**
 * Resilience policy shared by every transport: retry budgets, backoff and idempotency rules.
 */
@NullMarked
package dev.switchboard.core.resilience;

import org.jspecify.annotations.NullMarked;
