package dev.switchboard.core.channel;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for typed {@link Message} headers.
 *
 * @author Switchboard
 */
class MessageHeaderTests {

	private final Message message = Message.builder("x")
		.header("text", "hello")
		.header("flag", true)
		.header("priority", 5)
		.header("big", 5_000_000_000L)
		.header("small", (short) 7)
		.header("tiny", (byte) -1)
		.header("ratio", 0.5d)
		.header("half", 1.5f)
		.header("price", new BigDecimal("1E+3"))
		.header("bytes", "raw".getBytes(StandardCharsets.UTF_8))
		.build();

	@Test
	void typedValuesKeepTheirTypes() {
		assertThat(this.message.getHeaderValue("text")).isEqualTo("hello");
		assertThat(this.message.getHeaderValue("flag")).isEqualTo(Boolean.TRUE);
		assertThat(this.message.getHeaderValue("priority")).isEqualTo(5);
		assertThat(this.message.getHeaderValue("big")).isEqualTo(5_000_000_000L);
		assertThat(this.message.getHeaderValue("small")).isEqualTo((short) 7);
		assertThat(this.message.getHeaderValue("tiny")).isEqualTo((byte) -1);
		assertThat(this.message.getHeaderValue("ratio")).isEqualTo(0.5d);
		assertThat(this.message.getHeaderValue("half")).isEqualTo(1.5f);
		assertThat(this.message.getHeaderValue("price")).isEqualTo(new BigDecimal("1E+3"));
		assertThat(this.message.getHeaderValue("bytes")).isEqualTo("raw".getBytes(StandardCharsets.UTF_8));
		assertThat(this.message.getHeaderValue("absent")).isNull();
		assertThat(this.message.getHeaderValues()).containsKeys("text", "flag", "bytes").hasSize(10);
	}

	@Test
	void textViewHoldsEachValueAsText() {
		assertThat(this.message.getHeaders()).containsExactly(Map.entry("text", "hello"), Map.entry("flag", "true"),
				Map.entry("priority", "5"), Map.entry("big", "5000000000"), Map.entry("small", "7"),
				Map.entry("tiny", "-1"), Map.entry("ratio", "0.5"), Map.entry("half", "1.5"),
				Map.entry("price", "1000"), Map.entry("bytes", "raw"));
		assertThat(this.message.getHeader("priority")).isEqualTo("5");
		assertThat(this.message.getHeader("absent")).isNull();
	}

	@Test
	void numbersWidenAndNarrowOnlyWhenTheValueFits() {
		assertThat(this.message.getHeader("priority", Long.class)).isEqualTo(5L);
		assertThat(this.message.getHeader("priority", long.class)).isEqualTo(5L);
		assertThat(this.message.getHeader("priority", Double.class)).isEqualTo(5.0d);
		assertThat(this.message.getHeader("priority", BigDecimal.class)).isEqualByComparingTo("5");
		assertThat(this.message.getHeader("tiny", int.class)).isEqualTo(-1);
		assertThat(this.message.getHeader("half", Double.class)).isEqualTo(1.5d);
		assertThat(this.message.getHeader("price", Integer.class)).isEqualTo(1000);
		assertThat(this.message.getHeader("priority", Byte.class)).isEqualTo((byte) 5);
		assertThatIllegalArgumentException().isThrownBy(() -> this.message.getHeader("big", Integer.class))
			.withMessage("Header 'big' with value '5000000000' (Long) cannot be converted to Integer without loss");
		assertThatIllegalArgumentException().isThrownBy(() -> this.message.getHeader("ratio", Integer.class))
			.withMessageContaining("Header 'ratio' with value '0.5' (Double)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Message.builder("x").header("d", 0.1d).build().getHeader("d", Float.class))
			.withMessageContaining("cannot be converted to Float");
	}

	@Test
	void textIsParsedWhenTheResultIsUnambiguous() {
		Message text = Message.builder("x")
			.header("priority", "5")
			.header("flag", "TRUE")
			.header("ratio", "0.25")
			.header("word", "five")
			.header("yes", "yes")
			.build();
		assertThat(text.getHeader("priority", Integer.class)).isEqualTo(5);
		assertThat(text.getHeader("priority", long.class)).isEqualTo(5L);
		assertThat(text.getHeader("flag", Boolean.class)).isTrue();
		assertThat(text.getHeader("ratio", Double.class)).isEqualTo(0.25d);
		assertThat(text.getHeader("ratio", BigDecimal.class)).isEqualByComparingTo("0.25");
		assertThat(text.getHeader("priority", byte[].class)).isEqualTo(new byte[] { '5' });
		assertThatIllegalArgumentException().isThrownBy(() -> text.getHeader("word", Integer.class))
			.withMessage("Header 'word' with value 'five' (String) cannot be converted to Integer without loss");
		assertThatIllegalArgumentException().isThrownBy(() -> text.getHeader("yes", Boolean.class))
			.withMessageContaining("Header 'yes' with value 'yes' (String)");
		assertThatIllegalArgumentException().isThrownBy(() -> text.getHeader("ratio", Integer.class))
			.withMessageContaining("Header 'ratio'");
	}

	@Test
	void conversionsBetweenBooleansAndNumbersFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.message.getHeader("flag", Integer.class))
			.withMessage("Header 'flag' with value 'true' (Boolean) cannot be converted to Integer without loss");
		assertThatIllegalArgumentException().isThrownBy(() -> this.message.getHeader("priority", Boolean.class))
			.withMessageContaining("Header 'priority'");
	}

	@Test
	void anyValueReadsAsObjectAndString() {
		assertThat(this.message.getHeader("flag", Object.class)).isEqualTo(true);
		assertThat(this.message.getHeader("flag", String.class)).isEqualTo("true");
		assertThat(this.message.getHeader("absent", int.class)).isNull();
	}

	@Test
	void unsupportedTypesAreRejectedNamingTheHeaderAndTheAllowedTypes() {
		assertThatIllegalArgumentException().isThrownBy(() -> Message.builder("x").header("at", Instant.EPOCH))
			.withMessage("Header 'at' has a value of type java.time.Instant; header values must be one of String,"
					+ " Boolean, Integer, Long, Short, Byte, Double, Float, BigDecimal, byte[]");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Message.builder("x").headers(Map.of("list", java.util.List.of())))
			.withMessageStartingWith("Header 'list' has a value of type java.util.");
		assertThatIllegalArgumentException().isThrownBy(() -> this.message.getHeader("priority", Instant.class))
			.withMessage("Header 'priority' cannot be read as java.time.Instant; header values convert to Object or"
					+ " one of String, Boolean, Integer, Long, Short, Byte, Double, Float, BigDecimal, byte[]");
	}

	@Test
	void byteValuesAreCopiedInAndOut() {
		byte[] bytes = { 1, 2 };
		Message withBytes = Message.builder("x").header("b", bytes).build();
		bytes[0] = 9;
		byte[] read = (byte[]) withBytes.getHeaderValue("b");
		assertThat(read).containsExactly(1, 2);
		read[1] = 9;
		assertThat(withBytes.getHeader("b", byte[].class)).containsExactly(1, 2);
	}

	@Test
	void mutatedCopyKeepsTypes() {
		Message copy = this.message.mutate().header("priority", 6).build();
		assertThat(copy.getHeaderValue("priority")).isEqualTo(6);
		assertThat(copy.getHeaderValue("flag")).isEqualTo(true);
	}

	@Test
	void contextReadsTheMessageHeaders() {
		MessageContext context = new MessageContext(new ChannelDestination("orders", "orders"), "g", this.message, 1);
		assertThat(context.getHeaderValue("priority")).isEqualTo(5);
		assertThat(context.getHeader("priority")).isEqualTo("5");
		assertThat(context.getHeader("priority", long.class)).isEqualTo(5L);
		assertThat(context.getHeaderValues()).isSameAs(this.message.getHeaderValues());
		assertThat(context.getHeaders()).isSameAs(this.message.getHeaders());
	}

}
