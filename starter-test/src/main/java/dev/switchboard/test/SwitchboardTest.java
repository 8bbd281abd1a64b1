package dev.switchboard.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;

/**
 * {@code @SpringBootTest} with {@link AutoConfigureSwitchboardTest}: the whole application, its channels in
 * memory, static discovery and no self-registration.
 *
 * @author Switchboard
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest
@AutoConfigureSwitchboardTest
public @interface SwitchboardTest {

	/**
	 * Properties in the form {@code key=value} added to the environment, as
	 * {@link SpringBootTest#properties()}.
	 * @return the properties
	 */
	@AliasFor(annotation = SpringBootTest.class)
	String[] properties() default {};

	/**
	 * The component classes that load the application context, as {@link SpringBootTest#classes()}.
	 * @return the component classes
	 */
	@AliasFor(annotation = SpringBootTest.class)
	Class<?>[] classes() default {};

	/**
	 * The web environment, as {@link SpringBootTest#webEnvironment()}.
	 * @return the web environment
	 */
	@AliasFor(annotation = SpringBootTest.class)
	SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;

}
