package dev.switchboard.autoconfigure.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Registers {@code @ServiceClient} interfaces outside the application's auto-configuration packages (those
 * are detected without this annotation), either by package or one by one.
 *
 * @author Switchboard
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(ServiceClientsRegistrar.class)
public @interface EnableServiceClients {

	/**
	 * Packages to scan for {@code @ServiceClient} interfaces, by name.
	 * @return the package names
	 */
	String[] basePackages() default {};

	/**
	 * Packages to scan for {@code @ServiceClient} interfaces, by a class in each.
	 * @return classes whose packages are scanned
	 */
	Class<?>[] basePackageClasses() default {};

	/**
	 * {@code @ServiceClient} interfaces to register one by one.
	 * @return the interfaces
	 */
	Class<?>[] clients() default {};

}
