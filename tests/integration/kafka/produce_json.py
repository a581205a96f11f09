#!/usr/bin/env python3
"""Produces JSON click events to a Kafka topic with kafka-python (an independent client).

usage: produce_json.py BOOTSTRAP TOPIC FIRST COUNT [MALFORMED_EVERY]
Event i has event_id i, user_id "u<i % 7>", amount i * 1.5 and a timestamp i seconds after
2024-01-01T00:00:00Z; when MALFORMED_EVERY > 0, every event with i % MALFORMED_EVERY == 0 is sent
as malformed JSON instead. Prints the number of records sent.
"""
import json
import sys

from kafka import KafkaProducer


def main():
    bootstrap, topic, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    malformed_every = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), api_version=(2, 5, 0),
                             linger_ms=5, retries=20, request_timeout_ms=30000)
    for i in range(first, first + count):
        if malformed_every and i % malformed_every == 0:
            value = b'{"event_id": ' + str(i).encode() + b', not json'
        else:
            value = json.dumps({
                "event_id": i,
                "user_id": "u%d" % (i % 7),
                "event_type": ("click", "view", "purchase")[i % 3],
                "amount": i * 1.5,
                "timestamp": "2024-01-01T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60),
            }).encode()
        producer.send(topic, key=str(i).encode(), value=value)
    producer.flush(timeout=60)
    producer.close()
    print(count)


if __name__ == "__main__":
    main()
