#!/usr/bin/env python3
"""Prints every record value of a topic (all partitions, from the beginning) with kafka-python.

usage: consume.py BOOTSTRAP TOPIC EXPECTED
Stops once EXPECTED records were read and no more arrive within one second (or after 30 s).
"""
import sys
import time

from kafka import KafkaConsumer, TopicPartition


def main():
    bootstrap, topic, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), api_version=(2, 5, 0),
                             enable_auto_commit=False, auto_offset_reset="earliest")
    deadline = time.time() + 30
    parts = None
    while parts is None and time.time() < deadline:
        parts = consumer.partitions_for_topic(topic)
        if parts is None:
            consumer.topics()  # refresh metadata
    consumer.assign([TopicPartition(topic, p) for p in sorted(parts or [])])
    consumer.seek_to_beginning()
    n = 0
    idle_since = time.time()
    while time.time() < deadline:
        batch = consumer.poll(timeout_ms=200)
        got = sum(len(v) for v in batch.values())
        for records in batch.values():
            for r in records:
                sys.stdout.write((r.value or b"").decode("utf-8", "replace") + "\n")
        n += got
        if got:
            idle_since = time.time()
        elif n >= expected and time.time() - idle_since > 1.0:
            break
    consumer.close()


if __name__ == "__main__":
    main()
