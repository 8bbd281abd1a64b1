package dev.switchboard.autoconfigure.grpc.internal;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.annotation.Idempotent;

import org.springframework.http.ResponseEntity;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.annotation.PutExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests of the interface-over-gRPC contract: naming, idempotency and the startup checks.
 *
 * @author Switchboard
 */
class ServiceInterfaceContractTests {

	private final JsonMapper mapper = JsonMapper.shared();

	@Test
	void methodsAreUnaryMethodsNamedAfterInterfaceAndMethod() throws Exception {
		ServiceInterfaceContract contract = ServiceInterfaceContract.of(Good.class, this.mapper);
		assertThat(contract.serviceDescriptor().getName()).isEqualTo(Good.class.getName());
		assertThat(contract.method(Good.class.getMethod("get", String.class)).descriptor().getFullMethodName())
			.isEqualTo(Good.class.getName() + "/get");
		assertThat(contract.method(Good.class.getMethod("defaulted"))).isNull();
	}

	@Test
	void idempotencyFollowsHttpMethodThenIdempotentAnnotation() throws Exception {
		ServiceInterfaceContract contract = ServiceInterfaceContract.of(Good.class, this.mapper);
		assertThat(contract.method(Good.class.getMethod("get", String.class)).idempotent()).isTrue();
		assertThat(contract.method(Good.class.getMethod("put", String.class)).idempotent()).isTrue();
		assertThat(contract.method(Good.class.getMethod("post", String.class)).idempotent()).isFalse();
		assertThat(contract.method(Good.class.getMethod("keyedPost", String.class)).idempotent()).isTrue();
	}

	@Test
	void argumentsAndResultsRoundTripAsJson() throws Exception {
		ServiceInterfaceContract contract = ServiceInterfaceContract.of(Good.class, this.mapper);
		var descriptor = contract.method(Good.class.getMethod("list", String.class, int.class)).descriptor();
		Object[] arguments = descriptor.parseRequest(descriptor.streamRequest(new Object[] { "a", 3 }));
		assertThat(arguments).containsExactly("a", 3);
		Reply reply = descriptor.parseResponse(descriptor.streamResponse(new Reply(List.of(new Dto("x", 1)))));
		assertThat(reply.value()).isEqualTo(List.of(new Dto("x", 1)));
	}

	@Test
	void overloadedMethodsAreRejectedNamingTheMethod() {
		assertThatIllegalStateException().isThrownBy(() -> ServiceInterfaceContract.of(Overloaded.class, this.mapper))
			.withMessageContaining(Overloaded.class.getName() + ".find")
			.withMessageContaining("overloads");
	}

	@Test
	void httpOnlyParametersAreRejectedNamingTheParameter() {
		assertThatIllegalStateException().isThrownBy(() -> ServiceInterfaceContract.of(WithUri.class, this.mapper))
			.withMessageContaining(WithUri.class.getName() + ".get (parameter #1 'base')");
	}

	@Test
	void httpAndAsynchronousReturnTypesAreRejected() {
		assertThatIllegalStateException().isThrownBy(() -> ServiceInterfaceContract.of(WithEntity.class, this.mapper))
			.withMessageContaining(WithEntity.class.getName() + ".get")
			.withMessageContaining("ResponseEntity");
		assertThatIllegalStateException().isThrownBy(() -> ServiceInterfaceContract.of(WithFuture.class, this.mapper))
			.withMessageContaining("unary");
	}

	@Test
	void invalidGrpcPortNamesTheProperty() {
		ServiceClientProperties.Client client = new ServiceClientProperties.Client(null, null, null, null, null, null,
				null, null, null, null, null,
				new ServiceClientProperties.Grpc(70000, null), null);
		assertThatExceptionOfType(InvalidSwitchboardPropertyException.class)
			.isThrownBy(() -> new ServiceClientProperties(java.util.Map.of("inventory", client), null))
			.withMessage("Invalid value '70000' for property 'switchboard.clients.inventory.grpc.port': not a TCP port "
					+ "(allowed values: 1 to 65535)");
	}

	record Dto(String name, int count) {
	}

	interface Good {

		@GetExchange("/{id}")
		Dto get(String id);

		@GetExchange
		List<Dto> list(String q, int limit);

		@PutExchange
		void put(String id);

		@PostExchange
		Dto post(String body);

		@Idempotent
		@PostExchange
		Dto keyedPost(String body);

		default String defaulted() {
			return "local";
		}

	}

	interface Overloaded {

		Dto find(String id);

		Dto find(String id, int version);

	}

	interface WithUri {

		Dto get(URI base);

	}

	interface WithEntity {

		ResponseEntity<Dto> get(String id);

	}

	interface WithFuture {

		CompletableFuture<Dto> get(String id);

	}

}
