package dev.switchboard.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs a Spring Boot test of a Switchboard application without brokers or registries. Put it next to
 * {@code @SpringBootTest} (or use {@link SwitchboardTest}); it:
 * <ul>
 * <li>runs every channel on the in-memory binder: {@code switchboard.channel-defaults.binder=memory}, and each
 * {@code switchboard.channels.<name>.binder} found in the application's configuration is overridden with
 * {@code memory};</li>
 * <li>switches discovery to the static backend ({@code switchboard.discovery.type=static}), so that
 * {@link TestDiscovery} can point clients at test servers, and switches self-registration off
 * ({@code switchboard.registration.enabled=false});</li>
 * <li>adds a {@link TestChannels} bean that records what the application publishes and sends messages to its
 * listeners; its records are cleared after each test method.</li>
 * </ul>
 * The properties are added as inlined test properties, so a test's own {@code @SpringBootTest(properties = ...)}
 * may still override them; the application's {@code application.yml} cannot.
 *
 * @author Switchboard
 * @see TestChannels
 * @see TestDiscovery
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@TestPropertySource(properties = { "switchboard.channel-defaults.binder=memory", "switchboard.discovery.type=static",
		"switchboard.registration.enabled=false" })
public @interface AutoConfigureSwitchboardTest {

}
