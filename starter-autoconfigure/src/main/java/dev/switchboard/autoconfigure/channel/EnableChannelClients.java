package dev.switchboard.autoconfigure.channel;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;

/**
 * Registers {@link dev.switchboard.core.annotation.ChannelClient @ChannelClient} interfaces outside the
 * application's auto-configuration packages (which are scanned without it): those listed in {@link #clients()},
 * or else those found in the given packages, or else in the package of the annotated class.
 *
 * @author Switchboard
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(ChannelClientsRegistrar.class)
public @interface EnableChannelClients {

	/**
	 * Alias for {@link #basePackages()}.
	 * @return the packages to scan
	 */
	@AliasFor("basePackages")
	String[] value() default {};

	/**
	 * Packages to scan for {@code @ChannelClient} interfaces.
	 * @return the packages to scan
	 */
	@AliasFor("value")
	String[] basePackages() default {};

	/**
	 * Type-safe alternative to {@link #basePackages()}: the package of each class is scanned.
	 * @return classes whose packages are scanned
	 */
	Class<?>[] basePackageClasses() default {};

	/**
	 * The interfaces to register; when set, nothing is scanned.
	 * @return the client interfaces
	 */
	Class<?>[] clients() default {};

}
