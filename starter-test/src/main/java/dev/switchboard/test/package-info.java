/**
 * Testing support for applications that use Switchboard: {@link dev.switchboard.test.AutoConfigureSwitchboardTest}
 * runs every channel in memory and records what is published ({@link dev.switchboard.test.TestChannels}), and
 * {@link dev.switchboard.test.TestDiscovery} points clients at test servers.
 */
@NullMarked
package dev.switchboard.test;

import org.jspecify.annotations.NullMarked;
