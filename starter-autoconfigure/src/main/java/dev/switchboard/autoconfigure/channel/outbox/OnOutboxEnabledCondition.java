package dev.switchboard.autoconfigure.channel.outbox;

import dev.switchboard.autoconfigure.channel.ChannelProperties;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code switchboard.channel-defaults.outbox.enabled} or some
 * {@code switchboard.channels.<name>.outbox.enabled} is true: an application whose channels do not use the
 * outbox gets no relay thread polling a table it never created.
 *
 * @author Switchboard
 */
class OnOutboxEnabledCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean enabled = Binder.get(context.getEnvironment())
			.bind("switchboard", Bindable.of(ChannelProperties.class))
			.map((properties) -> new OutboxChannels(properties).anyEnabled())
			.orElse(false);
		return enabled ? ConditionOutcome.match("a channel publishes through the outbox")
				: ConditionOutcome.noMatch("no channel sets outbox.enabled");
	}

}
