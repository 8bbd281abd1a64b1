#!/usr/bin/env bash
# Switchboard demo, on embedded defaults (no Docker, no installed Kafka or registry):
#   registry      a Eureka server                      (sample-apps/registry)
#   broker        a real Kafka broker, embedded         (sample-apps/broker)
#   inventory x2  REST + gRPC (StockApi exported)       (sample-apps/inventory-service)
#   order         stock checks over gRPC, item reads and reservations over REST, stores the order (embedded H2)
#                 and publishes OrderPlaced on channel "orders" (binder kafka) in one transaction, through the
#                 transactional outbox                  (sample-apps/order-service)
#   notification  @ChannelListener("orders"), counts events (sample-apps/notification-service)
# Every service finds the others through Eureka. The demo places a stream of orders, kills one inventory
# instance half way, prints a summary and stops everything it started. Exit status 0 only if both inventory
# instances answered before the kill, no call failed other than a non-idempotent one in flight at the kill (its
# request had reached inventory-2, so it must not be sent again), and notification received every event
# published.
#
# Environment:
#   SKIP_BUILD=true       use the jars already built
#   DEMO_ORDERS=60        orders to place; DEMO_INTERVAL=0.25 seconds between orders
#   DEMO_BINDER=kafka     binder of channel "orders"; "memory" runs everything but the Kafka hop (the event
#                         check is then skipped: an in-memory channel cannot cross processes)
#   MAVEN_ARGS            extra Maven arguments for the build (Maven 3.9 reads this variable)
set -euo pipefail

cd "$(dirname "$0")/.."
LOGS="$PWD/sample-apps/target/demo-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS/tmp"

ORDERS=${DEMO_ORDERS:-60}
INTERVAL=${DEMO_INTERVAL:-0.25}
BINDER=${DEMO_BINDER:-kafka}
case "$BINDER" in
kafka | memory) ;;
*) echo "DEMO_BINDER must be kafka or memory, not '$BINDER'" >&2; exit 2 ;;
esac
JAVA_OPTS=(-Xmx256m -Xss512k -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "-Djava.io.tmpdir=$LOGS/tmp")
STARTED=$(date +%s)

declare -A PIDS=()
SERVICES=()      # start order; stopped in reverse
INFRASTRUCTURE=() # stopped after the services

stop() { # names...
	local name pid
	for name in "$@"; do
		pid=${PIDS[$name]:-}
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
	done
	for name in "$@"; do
		pid=${PIDS[$name]:-}
		[ -z "$pid" ] && continue
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		unset "PIDS[$name]"
	done
}
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	if [ ${#PIDS[@]} -gt 0 ]; then
		echo "==> Stopping everything the demo started"
		stop "${SERVICES[@]}"
		stop "${INFRASTRUCTURE[@]}"
	fi
	echo "    logs: $LOGS ($(($(date +%s) - STARTED)) s in all)"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "FAILED: $*" >&2
	exit 1
}

# Free TCP ports, none handed out twice.
declare -A TAKEN=()
free_port() {
	local port=$((20000 + RANDOM % 30000))
	while [ -n "${TAKEN[$port]:-}" ] || (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		port=$((port + 1))
	done
	TAKEN[$port]=1
	echo "$port"
}

start() { # name jar args...
	local name=$1 jar=$2
	shift 2
	[ -f "$jar" ] || fail "$jar is missing: run without SKIP_BUILD=true"
	java "${JAVA_OPTS[@]}" -jar "$jar" "$@" >"$LOGS/$name.log" 2>&1 &
	PIDS[$name]=$!
}

wait_until() { # name seconds command...
	local name=$1 seconds=$2
	shift 2
	local deadline=$(($(date +%s) + seconds))
	until "$@" >/dev/null 2>&1; do
		if [ -n "${PIDS[$name]:-}" ] && ! kill -0 "${PIDS[$name]}" 2>/dev/null; then
			echo "$name exited; the end of its log ($LOGS/$name.log):" >&2
			tail -n 30 "$LOGS/$name.log" >&2
			fail "$name did not start"
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "$name not ready after ${seconds}s; the end of its log ($LOGS/$name.log):" >&2
			tail -n 30 "$LOGS/$name.log" >&2
			fail "$name did not start in time"
		fi
		sleep 0.5
	done
}
healthy() { curl -fsS "http://127.0.0.1:$1/actuator/health" | grep -q '"status":"UP"'; }
# Instances of an application that Eureka reports UP.
eureka_up() { # application
	curl -fsS -H 'Accept: application/json' "http://127.0.0.1:$REGISTRY_PORT/eureka/apps/$1" 2>/dev/null \
		| grep -o '"status":"UP"' | wc -l
}
json_number() { # field json
	sed -nE "s/.*\"$1\":([0-9]+).*/\1/p" <<<"$2"
}
json_string() { # field json
	sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p" <<<"$2"
}

if [ "${SKIP_BUILD:-}" != "true" ]; then
	echo "==> Building Switchboard and the sample apps"
	./mvnw -q -B -DskipTests -pl sample-apps/registry,sample-apps/broker,sample-apps/inventory-service,sample-apps/order-service,sample-apps/notification-service -am package
	echo "    built in $(($(date +%s) - STARTED)) s"
fi
RUN_STARTED=$(date +%s)

REGISTRY_PORT=$(free_port)
INVENTORY_1_PORT=$(free_port)
INVENTORY_1_GRPC=$(free_port)
INVENTORY_2_PORT=$(free_port)
INVENTORY_2_GRPC=$(free_port)
ORDER_PORT=$(free_port)
NOTIFICATION_PORT=$(free_port)
APPS=sample-apps
COMMON=("--eureka.client.service-url.defaultZone=http://127.0.0.1:$REGISTRY_PORT/eureka/")

echo "==> Starting registry (Eureka, port $REGISTRY_PORT), broker (embedded Kafka), inventory-1 (http $INVENTORY_1_PORT, grpc $INVENTORY_1_GRPC), inventory-2 (http $INVENTORY_2_PORT, grpc $INVENTORY_2_GRPC)"
start registry $APPS/registry/target/registry.jar "--server.port=$REGISTRY_PORT"
start broker $APPS/broker/target/broker.jar "--broker.address-file=$LOGS/kafka-bootstrap"
INFRASTRUCTURE=(broker registry)
# The services retry the registry until it answers: start them with it.
start inventory-1 $APPS/inventory-service/target/inventory-service.jar "--server.port=$INVENTORY_1_PORT" \
	"--spring.grpc.server.port=$INVENTORY_1_GRPC" "${COMMON[@]}"
start inventory-2 $APPS/inventory-service/target/inventory-service.jar "--server.port=$INVENTORY_2_PORT" \
	"--spring.grpc.server.port=$INVENTORY_2_GRPC" "${COMMON[@]}"
SERVICES=(inventory-1 inventory-2)

# The broker chooses its port: the services that use it start once it has printed its address.
wait_until broker 150 test -s "$LOGS/kafka-bootstrap"
KAFKA_BOOTSTRAP=$(cat "$LOGS/kafka-bootstrap")
echo "    broker printed $(grep -h 'KAFKA_BOOTSTRAP=' "$LOGS/broker.log" | tail -n 1)"
echo "==> Starting order ($ORDER_PORT) and notification ($NOTIFICATION_PORT); channel 'orders' on binder $BINDER"
COMMON+=("--spring.kafka.bootstrap-servers=$KAFKA_BOOTSTRAP" "--switchboard.channels.orders.binder=$BINDER")
start notification $APPS/notification-service/target/notification-service.jar "--server.port=$NOTIFICATION_PORT" "${COMMON[@]}"
start order $APPS/order-service/target/order-service.jar "--server.port=$ORDER_PORT" "${COMMON[@]}"
SERVICES=(order notification inventory-1 inventory-2)

wait_until registry 120 curl -fsS "http://127.0.0.1:$REGISTRY_PORT/eureka/apps"
for service in inventory-1:$INVENTORY_1_PORT inventory-2:$INVENTORY_2_PORT notification:$NOTIFICATION_PORT order:$ORDER_PORT; do
	wait_until "${service%%:*}" 150 healthy "${service##*:}"
done
inventory_registered() { [ "$(eureka_up INVENTORY)" -ge 2 ]; }
wait_until registry 60 inventory_registered
# The order service fetches the registry every second: give it one fetch and one cache refresh.
sleep 3
echo "    all up $(($(date +%s) - RUN_STARTED)) s after the first start; Eureka lists 2 inventory instances"

echo "==> Placing $ORDERS orders, one every ${INTERVAL}s; inventory-2 is killed after order $((ORDERS / 2))"
declare -A BEFORE_KILL=()
placed=0
failed_orders=0
for i in $(seq 1 "$ORDERS"); do
	status=$(curl -sS -o "$LOGS/order-response.json" -w '%{http_code}' -X POST "http://127.0.0.1:$ORDER_PORT/orders" \
		-H 'Content-Type: application/json' -d "{\"sku\":\"sku-$((i % 5))\",\"quantity\":1}" || echo 000)
	response=$(cat "$LOGS/order-response.json" 2>/dev/null || true)
	if [ "$status" = 201 ]; then
		placed=$((placed + 1))
	else
		failed_orders=$((failed_orders + 1))
		echo "    order $i failed (HTTP $status): $(json_string error "$response")"
	fi
	if [ -n "${PIDS[inventory-2]:-}" ]; then
		for field in checkedBy itemBy reservedBy; do
			instance=$(json_string "$field" "$response")
			[ -n "$instance" ] && BEFORE_KILL[$instance]=1
		done
	fi
	if [ $((i % 10)) -eq 0 ]; then
		echo "    $i orders sent"
	fi
	if [ "$i" -eq $((ORDERS / 2)) ]; then
		echo "    killing inventory-2 (kill -9, pid ${PIDS[inventory-2]}): it cannot deregister"
		kill -KILL "${PIDS[inventory-2]}"
		wait "${PIDS[inventory-2]}" 2>/dev/null || true
		unset "PIDS[inventory-2]"
	fi
	sleep "$INTERVAL"
done

statistics=$(curl -fsS "http://127.0.0.1:$ORDER_PORT/orders/statistics")
published=$(json_number published "$statistics")
publish_failures=$(json_number publishFailures "$statistics")
idempotent_failures=$(json_number idempotentFailures "$statistics")
non_idempotent_failures=$(json_number nonIdempotentFailures "$statistics")
in_flight_failures=$(json_number inFlightFailures "$statistics")
other_failures=$(json_number otherFailures "$statistics")
received=0
if [ "$BINDER" = kafka ]; then
	# Events are asynchronous: give the last ones a moment to arrive.
	for _ in $(seq 1 60); do
		received=$(json_number received "$(curl -fsS "http://127.0.0.1:$NOTIFICATION_PORT/notifications")")
		received=${received:-0}
		[ "$received" -ge "$published" ] && break
		sleep 0.5
	done
fi

echo "==> Summary"
calls() { # protocol instance
	local block
	block=$(sed -nE "s/.*\"$1\":\{([^}]*)\}.*/\1/p" <<<"$statistics")
	sed -nE "s/.*\"$2\":([0-9]+).*/\1/p" <<<"$block" | grep . || echo 0
}
printf '    %-22s %6s %6s\n' "calls answered by" grpc rest
for instance in "inventory@$INVENTORY_1_PORT" "inventory@$INVENTORY_2_PORT"; do
	printf '    %-22s %6s %6s\n' "$instance" "$(calls grpc "$instance")" "$(calls rest "$instance")"
done
echo "    failed calls:          idempotent $idempotent_failures, non-idempotent $non_idempotent_failures"
echo "      in flight at the kill: $in_flight_failures (non-idempotent, request already sent to inventory-2: not retried)"
echo "      all others:            $other_failures (must be 0: idempotent calls and requests that never left are retried elsewhere)"
echo "    orders:                $ORDERS sent, $placed placed, $failed_orders failed"
if [ "$BINDER" = kafka ]; then
	echo "    events on 'orders':    published $published (failed $publish_failures), received by notification $received"
else
	echo "    events on 'orders':    published $published in memory; not checked (DEMO_BINDER=memory cannot cross processes)"
fi

ok=true
for instance in "inventory@$INVENTORY_1_PORT" "inventory@$INVENTORY_2_PORT"; do
	if [ -z "${BEFORE_KILL[$instance]:-}" ]; then
		echo "CHECK FAILED: $instance answered no call before the kill" >&2
		ok=false
	fi
done
if [ "$other_failures" -ne 0 ]; then
	echo "CHECK FAILED: $other_failures call(s) failed that were not in flight at the kill" >&2
	ok=false
fi
if [ "$BINDER" = kafka ] && { [ "$published" -eq 0 ] || [ "$received" -ne "$published" ]; }; then
	echo "CHECK FAILED: notification received $received of $published events" >&2
	ok=false
fi
[ "$ok" = true ] || exit 1
echo "==> PASS: both instances answered before the kill, no call failed but those in flight at the kill$([ "$BINDER" = kafka ] && echo ", every event arrived")"
