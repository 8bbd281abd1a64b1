package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.Collection;
import java.util.List;

import com.rabbitmq.client.AMQP;
import dev.switchboard.core.channel.publish.PendingPublish;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

/**
 * Prepares a Spring AMQP message for the wire as the template would, without its send path: the template's
 * before-publish post processors (so that an application's {@code RabbitTemplateCustomizer} still shapes published
 * messages), then Spring AMQP's properties converter with the template's encoding. Spring's internal headers,
 * which the template's send path would add, are not.
 *
 * @author Switchboard
 */
final class RabbitWireFormat {

	private final List<MessagePostProcessor> postProcessors;

	private final String encoding;

	private final MessagePropertiesConverter propertiesConverter = new DefaultMessagePropertiesConverter();

	RabbitWireFormat(RabbitTemplate template) {
		Collection<MessagePostProcessor> postProcessors = template.getBeforePublishPostProcessors();
		this.postProcessors = (postProcessors != null) ? List.copyOf(postProcessors) : List.of();
		this.encoding = template.getEncoding();
	}

	/**
	 * Prepares one publication of a Switchboard message. Without post processors its AMQP properties are made
	 * directly ({@link RabbitMessageMapper#toProperties}), equal to what the converter would make of
	 * {@link RabbitMessageMapper#toAmqp}'s message, at a third of the cost; with them, through a Spring AMQP
	 * message that they can shape.
	 * @param pending the publish
	 * @param message the message
	 * @param exchange the exchange
	 * @param routingKey the routing key
	 * @param kind what it is: whether it is mandatory, whether a refusal is retried
	 * @return the publication, as written on each attempt
	 */
	RabbitPublication prepare(PendingPublish pending, dev.switchboard.core.channel.Message message, String exchange,
			String routingKey, RabbitPublication.Kind kind) {
		if (!this.postProcessors.isEmpty()) {
			return prepare(pending, RabbitMessageMapper.toAmqp(message), exchange, routingKey, kind);
		}
		return new RabbitPublication(pending, exchange, routingKey, kind, RabbitMessageMapper.toProperties(message),
				message.payloadForTransport());
	}

	/**
	 * Prepares one publication of a Spring AMQP message.
	 * @param pending the publish
	 * @param amqp the message
	 * @param exchange the exchange
	 * @param routingKey the routing key
	 * @param kind what it is: whether it is mandatory, whether a refusal is retried
	 * @return the publication, as written on each attempt
	 */
	RabbitPublication prepare(PendingPublish pending, Message amqp, String exchange, String routingKey,
			RabbitPublication.Kind kind) {
		Message shaped = amqp;
		if (!this.postProcessors.isEmpty()) {
			CorrelationData correlation = new CorrelationData(amqp.getMessageProperties().getMessageId());
			for (MessagePostProcessor processor : this.postProcessors) {
				shaped = processor.postProcessMessage(shaped, correlation, exchange, routingKey);
			}
		}
		MessageProperties properties = shaped.getMessageProperties();
		AMQP.BasicProperties wire = this.propertiesConverter.fromMessageProperties(properties, this.encoding);
		return new RabbitPublication(pending, exchange, routingKey, kind, wire, shaped.getBody());
	}

}
