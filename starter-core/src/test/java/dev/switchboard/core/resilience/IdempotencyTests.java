package dev.switchboard.core.resilience;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Method;

import dev.switchboard.core.annotation.Idempotent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Idempotency}.
 *
 * @author Switchboard
 */
class IdempotencyTests {

	@Test
	void idempotentHttpMethodsAreRepeatable() {
		assertThat(Idempotency.isIdempotent("GET")).isTrue();
		assertThat(Idempotency.isIdempotent("HEAD")).isTrue();
		assertThat(Idempotency.isIdempotent("PUT")).isTrue();
		assertThat(Idempotency.isIdempotent("DELETE")).isTrue();
		assertThat(Idempotency.isIdempotent("OPTIONS")).isTrue();
		assertThat(Idempotency.isIdempotent("TRACE")).isTrue();
	}

	@Test
	void otherHttpMethodsAreNotRepeatable() {
		assertThat(Idempotency.isIdempotent("POST")).isFalse();
		assertThat(Idempotency.isIdempotent("PATCH")).isFalse();
		assertThat(Idempotency.isIdempotent("CONNECT")).isFalse();
		assertThat(Idempotency.isIdempotent("PURGE")).isFalse();
	}

	@Test
	void httpMethodNamesAreCaseSensitive() {
		assertThat(Idempotency.isIdempotent("get")).isFalse();
	}

	@Test
	void unannotatedMethodFollowsItsHttpMethod() {
		assertThat(Idempotency.isIdempotent(method(PlainClient.class, "get"), "GET")).isTrue();
		assertThat(Idempotency.isIdempotent(method(PlainClient.class, "post"), "POST")).isFalse();
	}

	@Test
	void annotatedMethodIsRepeatableWhateverItsHttpMethod() {
		assertThat(Idempotency.isIdempotent(method(PlainClient.class, "postWithKey"), "POST")).isTrue();
	}

	@Test
	void methodCanOptOutOfItsHttpMethodsRule() {
		assertThat(Idempotency.isIdempotent(method(PlainClient.class, "getWithSideEffects"), "GET")).isFalse();
	}

	@Test
	void typeLevelAnnotationCoversEveryMethod() {
		assertThat(Idempotency.isIdempotent(method(IdempotentClient.class, "post"), "POST")).isTrue();
	}

	@Test
	void methodCanOptOutOfTypeLevelAnnotation() {
		assertThat(Idempotency.isIdempotent(method(IdempotentClient.class, "charge"), "POST")).isFalse();
	}

	@Test
	void typeLevelOptOutCoversIdempotentHttpMethods() {
		assertThat(Idempotency.isIdempotent(method(NonIdempotentClient.class, "get"), "GET")).isFalse();
	}

	@Test
	void metaAnnotationIsHonoured() {
		assertThat(Idempotency.isIdempotent(method(PlainClient.class, "postWithMetaAnnotation"), "POST")).isTrue();
	}

	private static Method method(Class<?> type, String name) {
		try {
			return type.getMethod(name);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Retention(RetentionPolicy.RUNTIME)
	@Idempotent
	@interface WithIdempotencyKey {

	}

	interface PlainClient {

		void get();

		void post();

		@Idempotent
		void postWithKey();

		@WithIdempotencyKey
		void postWithMetaAnnotation();

		@Idempotent(false)
		void getWithSideEffects();

	}

	@Idempotent
	interface IdempotentClient {

		void post();

		@Idempotent(false)
		void charge();

	}

	@Idempotent(false)
	interface NonIdempotentClient {

		void get();

	}

}
