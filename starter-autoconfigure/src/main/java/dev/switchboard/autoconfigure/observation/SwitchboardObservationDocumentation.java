package dev.switchboard.autoconfigure.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations Switchboard makes, with their key names.
 *
 * @author Switchboard
 */
public enum SwitchboardObservationDocumentation implements ObservationDocumentation {

	/**
	 * A call of a service client method, retries and hedges included.
	 */
	CLIENT_CALL {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultServiceCallObservationConvention.class;
		}

		@Override
		public String getName() {
			return DefaultServiceCallObservationConvention.CALL_NAME;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { ServiceCallLowCardinalityKeys.CLIENT, ServiceCallLowCardinalityKeys.METHOD,
					ServiceCallLowCardinalityKeys.PROTOCOL, ServiceCallLowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return ServiceCallHighCardinalityKeys.values();
		}

	},

	/**
	 * One attempt of a REST call on one instance.
	 */
	CLIENT_ATTEMPT {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultServiceCallObservationConvention.class;
		}

		@Override
		public String getName() {
			return DefaultServiceCallObservationConvention.ATTEMPT_NAME;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return ServiceCallLowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return ServiceCallHighCardinalityKeys.values();
		}

	},

	/**
	 * A message published on a channel.
	 */
	MESSAGE_PUBLISH {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMessagePublishObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { MessageLowCardinalityKeys.CHANNEL, MessageLowCardinalityKeys.BINDER,
					MessageLowCardinalityKeys.DESTINATION, MessageLowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { MessageHighCardinalityKeys.MESSAGE_ID };
		}

	},

	/**
	 * A message handled by a {@code @ChannelListener} method (one observation per delivery attempt).
	 */
	MESSAGE_CONSUME {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMessageConsumeObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return MessageLowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return MessageHighCardinalityKeys.values();
		}

	};

	/**
	 * Low cardinality keys of client calls and attempts.
	 */
	public enum ServiceCallLowCardinalityKeys implements KeyName {

		/** The client name. */
		CLIENT {
			@Override
			public String asString() {
				return "client";
			}
		},

		/** The interface method name (the HTTP method for calls made without an interface). */
		METHOD {
			@Override
			public String asString() {
				return "method";
			}
		},

		/** {@code rest} or {@code grpc}. */
		PROTOCOL {
			@Override
			public String asString() {
				return "protocol";
			}
		},

		/**
		 * {@code SUCCESS}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}, {@code TIMEOUT}, {@code CONNECT_FAILURE},
		 * {@code IO_FAILURE}, {@code CANCELLED}, {@code NO_INSTANCE} or {@code UNKNOWN}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** The attempt number, starting at 1 (attempts only). */
		ATTEMPT {
			@Override
			public String asString() {
				return "attempt";
			}
		}

	}

	/**
	 * High cardinality keys of client calls and attempts.
	 */
	public enum ServiceCallHighCardinalityKeys implements KeyName {

		/** The instance ({@code host:port}) of the attempt, or of the last attempt of a call. */
		INSTANCE {
			@Override
			public String asString() {
				return "instance";
			}
		}

	}

	/**
	 * Low cardinality keys of published and consumed messages.
	 */
	public enum MessageLowCardinalityKeys implements KeyName {

		/** The channel name. */
		CHANNEL {
			@Override
			public String asString() {
				return "channel";
			}
		},

		/** The binder: {@code memory}, {@code kafka} or {@code rabbit}. */
		BINDER {
			@Override
			public String asString() {
				return "binder";
			}
		},

		/** The destination on the broker. */
		DESTINATION {
			@Override
			public String asString() {
				return "destination";
			}
		},

		/** {@code SUCCESS} or {@code FAILURE}. */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** The consumer group (consumed messages only). */
		GROUP {
			@Override
			public String asString() {
				return "group";
			}
		}

	}

	/**
	 * High cardinality keys of published and consumed messages.
	 */
	public enum MessageHighCardinalityKeys implements KeyName {

		/** The message id. */
		MESSAGE_ID {
			@Override
			public String asString() {
				return "message.id";
			}
		},

		/** The delivery attempt, starting at 1 (consumed messages only). */
		DELIVERY_ATTEMPT {
			@Override
			public String asString() {
				return "delivery.attempt";
			}
		}

	}

}
