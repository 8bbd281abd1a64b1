#!/usr/bin/env bash
# Switchboard demo: builds the sample apps, starts two inventory instances and an order service that calls
# them through a @ServiceClient, places a few orders, prints which inventory instance answered each call,
# then stops everything it started. Exits non-zero if a call fails or if either instance never answered.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS="$ROOT/sample-apps/target/demo-logs"
mkdir -p "$LOGS"
PIDS=()

cleanup() {
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
next_free_port() {
	local port=$1
	while ! port_free "$port"; do port=$((port + 1)); done
	echo "$port"
}

wait_for() { # name url
	for _ in $(seq 1 120); do
		if curl -fs "$2" >/dev/null 2>&1; then return 0; fi
		sleep 0.5
	done
	echo "$1 did not start; its log:" >&2
	tail -n 40 "$LOGS/$1.log" >&2
	exit 1
}

if [ "${SKIP_BUILD:-}" != "true" ]; then
	echo "==> Building Switchboard and the sample apps"
	./mvnw -q -B -DskipTests install
fi

INVENTORY_1_PORT=$(next_free_port 18081)
INVENTORY_2_PORT=$(next_free_port $((INVENTORY_1_PORT + 1)))
ORDER_PORT=$(next_free_port $((INVENTORY_2_PORT + 1)))
JAVA_OPTS=(-Xmx256m -XX:TieredStopAtLevel=1)

echo "==> Starting inventory instances on ports $INVENTORY_1_PORT and $INVENTORY_2_PORT"
for port in "$INVENTORY_1_PORT" "$INVENTORY_2_PORT"; do
	PORT=$port java "${JAVA_OPTS[@]}" -jar sample-apps/inventory-service/target/inventory-service.jar \
		>"$LOGS/inventory-$port.log" 2>&1 &
	PIDS+=($!)
done
echo "==> Starting the order service on port $ORDER_PORT"
PORT=$ORDER_PORT INVENTORY_1_PORT=$INVENTORY_1_PORT INVENTORY_2_PORT=$INVENTORY_2_PORT \
	java "${JAVA_OPTS[@]}" -jar sample-apps/order-service/target/order-service.jar >"$LOGS/order.log" 2>&1 &
PIDS+=($!)

wait_for "inventory-$INVENTORY_1_PORT" "http://127.0.0.1:$INVENTORY_1_PORT/actuator/health"
wait_for "inventory-$INVENTORY_2_PORT" "http://127.0.0.1:$INVENTORY_2_PORT/actuator/health"
wait_for order "http://127.0.0.1:$ORDER_PORT/actuator/health"

echo "==> Placing orders through the order service (each order makes two inventory calls)"
answers=""
for i in 1 2 3 4 5 6; do
	order=$(curl -fsS -X POST "http://127.0.0.1:$ORDER_PORT/orders" -H 'Content-Type: application/json' \
		-d "{\"sku\":\"sku-$i\",\"quantity\":$i}")
	checked=$(sed -E 's/.*"checkedBy":"([^"]*)".*/\1/' <<<"$order")
	reserved=$(sed -E 's/.*"reservedBy":"([^"]*)".*/\1/' <<<"$order")
	printf '  order %d  sku-%d x%d   stock checked by %-16s reserved by %s\n' "$i" "$i" "$i" "$checked" "$reserved"
	answers+="$checked"$'\n'"$reserved"$'\n'
done

echo "==> Calls answered per instance"
sort <<<"$answers" | sed '/^$/d' | uniq -c | sed 's/^/  /'
for port in "$INVENTORY_1_PORT" "$INVENTORY_2_PORT"; do
	if ! grep -q "inventory@$port" <<<"$answers"; then
		echo "FAILED: inventory@$port answered no call" >&2
		exit 1
	fi
done
echo "==> Both inventory instances answered. Stopping everything the demo started."
