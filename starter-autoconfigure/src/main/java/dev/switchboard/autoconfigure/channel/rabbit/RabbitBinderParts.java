package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.function.Consumer;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.Settings;
import dev.switchboard.core.channel.publish.PublishWindow;

import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The parts of a {@link RabbitChannelBinder}, built on its connection factory and closed in the order that lets
 * each finish with the others still there: consumers first (their replies and dead letters still publish), then
 * requests, the publisher, the window.
 *
 * @author Switchboard
 */
final class RabbitBinderParts implements AutoCloseable {

	final RabbitTopology topology;

	final PublishWindow window;

	final RabbitPublisher publisher;

	final RabbitRequestReply requestReply;

	final RabbitSubscriptions subscriptions;

	RabbitBinderParts(CachingConnectionFactory connectionFactory, Settings settings,
			SimpleRabbitListenerContainerFactory containerFactory, Consumer<RabbitTemplate> templateConfigurer) {
		connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		connectionFactory.setPublisherReturns(true);
		containerFactory.setConnectionFactory(connectionFactory);
		RabbitTemplate template = new RabbitTemplate(connectionFactory);
		templateConfigurer.accept(template);
		// Publishers on their own connection: a blocked (flow-controlled) publisher must not stall consumers.
		template.setUsePublisherConnection(true);
		this.topology = new RabbitTopology(new RabbitAdmin(connectionFactory));
		this.window = new PublishWindow(RabbitChannelBinder.NAME, settings.maxPending());
		ExponentialBackOff backOff = new ExponentialBackOff(settings.publishBackoff().toMillis(), 2.0);
		backOff.setMaxInterval(Math.max(settings.publishBackoff().toMillis(), 5000));
		this.publisher = new RabbitPublisher(template, this.topology, this.window, settings.publishAttempts(),
				backOff);
		this.requestReply = new RabbitRequestReply(connectionFactory, containerFactory, this.publisher, this.window);
		this.subscriptions = new RabbitSubscriptions(containerFactory, this.topology,
				new RabbitDeadLetters(this.publisher), this.requestReply);
	}

	@Override
	public void close() {
		this.subscriptions.close();
		this.requestReply.close();
		this.publisher.close();
		this.window.close();
	}

}
