/**
 * A tiny application that the tests of the testing support exercise.
 */
@NullMarked
package dev.switchboard.test.sample;

import org.jspecify.annotations.NullMarked;
