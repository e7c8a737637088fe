"""RabbitMQ Bus on aio-pika: robust connection, confirms, quorum queues, delay-queue retries, dead letters."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Sequence

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection

from services.pipeline.bus import (
    ATTEMPT_HEADER, REASON_HEADER, ROUTING_KEY_HEADER, Bus, Consumer, DeadLetter, Delivery,
)

log = logging.getLogger(__name__)
DELIVERY_LIMIT = 20  # the broker dead-letters a message whose consumers keep dying before ack


class RabbitBus(Bus):
    """One topic exchange; per stage a quorum queue, a dead-letter queue and TTL delay queues."""

    def __init__(self, url: str, exchange: str = "picsift", connect_timeout: float = 300.0,
                 publish_timeout: float = 120.0, stop_timeout: float = 30.0):
        self.url = url
        self.exchange_name = exchange
        self.connect_timeout = connect_timeout
        self.publish_timeout = publish_timeout
        self.stop_timeout = stop_timeout
        self._connection: AbstractRobustConnection | None = None
        self._consumers: list[tuple[AbstractQueue, str]] = []
        self._delay_queues: set[str] = set()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> None:
        self._connection = await self._connect()
        self._channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await self._channel.declare_exchange(
            self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )

    async def _connect(self) -> AbstractRobustConnection:
        deadline = time.monotonic() + self.connect_timeout
        delay = 0.5
        while True:
            try:
                return await aio_pika.connect_robust(self.url, timeout=10)
            except (OSError, aio_pika.exceptions.AMQPError, asyncio.TimeoutError) as exc:
                if time.monotonic() + delay > deadline:
                    raise ConnectionError(f"RabbitMQ at {_safe(self.url)} unreachable: {exc}") from exc
                log.warning("RabbitMQ at %s unreachable (%s); retrying in %.1fs", _safe(self.url), exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)

    async def stop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None or connection.is_closed:
            return
        for queue, tag in self._consumers:
            try:
                await asyncio.wait_for(queue.cancel(tag), 10)
            except Exception as exc:  # noqa: BLE001 - a dead channel has nothing left to cancel
                log.debug("cancel %s: %s", queue.name, exc)
        self._consumers.clear()
        try:
            await asyncio.wait_for(self._idle.wait(), self.stop_timeout)
        except asyncio.TimeoutError:
            log.warning("%d messages still in flight after %.0fs; the broker will redeliver them",
                        self._in_flight, self.stop_timeout)
        await asyncio.wait_for(connection.close(), 30)

    async def publish(self, routing_key: str, body: bytes) -> None:
        await self._publish(self._exchange, routing_key, body, {ROUTING_KEY_HEADER: routing_key})

    async def _publish(self, exchange, routing_key: str, body: bytes, headers: dict) -> None:
        """Publish with confirm; while the connection recovers, wait and try again."""
        message = aio_pika.Message(body, headers=headers, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        deadline = time.monotonic() + self.publish_timeout
        delay = 0.2
        while True:
            try:
                await exchange.publish(message, routing_key=routing_key, timeout=30)
                return
            except Exception as exc:  # noqa: BLE001 - every publish failure is a broker/connection state
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("publish %s failed (%s: %s); retrying", routing_key, type(exc).__name__, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5)

    async def _declare(self, channel, queue: str) -> AbstractQueue:
        dlq = f"{queue}.dlq"
        await channel.declare_queue(dlq, durable=True, arguments={"x-queue-type": "quorum"})
        return await channel.declare_queue(queue, durable=True, arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": dlq,
        })

    def _queue_name(self, stage: str) -> str:
        """Queues are named after the exchange, so several deployments can share one broker."""
        return f"{self.exchange_name}.{stage}"

    async def declare(self, stage: str, keys: Sequence[str]) -> None:
        await self._bind(self._channel, stage, keys)

    async def _bind(self, channel, stage: str, keys: Sequence[str]) -> AbstractQueue:
        declared = await self._declare(channel, self._queue_name(stage))
        for key in keys:
            await declared.bind(self._exchange, routing_key=key)
        return declared

    async def subscribe(self, stage: str, keys: Sequence[str], consumer: Consumer, prefetch: int) -> None:
        queue = self._queue_name(stage)
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        declared = await self._bind(channel, stage, keys)

        async def on_message(message: AbstractIncomingMessage) -> None:
            self._in_flight += 1
            self._idle.clear()
            try:
                await self._deliver(queue, message, consumer)
            finally:
                self._in_flight -= 1
                if self._in_flight == 0:
                    self._idle.set()

        tag = await declared.consume(on_message, no_ack=False)
        self._consumers.append((declared, tag))

    async def _deliver(self, queue: str, message: AbstractIncomingMessage, consumer: Consumer) -> None:
        """Handle, publish what follows (confirmed), and only then ack; on any failure leave it to the broker."""
        headers = dict(message.headers or {})
        routing_key = str(headers.get(ROUTING_KEY_HEADER) or message.routing_key)
        attempt = int(headers.get(ATTEMPT_HEADER) or 1)
        try:
            outcome = await consumer(Delivery(routing_key, message.body, attempt, headers))
            for key, body in outcome.publish:
                await self.publish(key, body)
            if outcome.retry_after is not None:
                delay_queue = await self._delay_queue(queue, outcome.retry_after)
                await self._publish(self._channel.default_exchange, delay_queue, message.body,
                                    {ROUTING_KEY_HEADER: routing_key, ATTEMPT_HEADER: attempt + 1})
            elif outcome.dead_reason is not None:
                await self._publish(self._channel.default_exchange, f"{queue}.dlq", message.body,
                                    {ROUTING_KEY_HEADER: routing_key, ATTEMPT_HEADER: attempt,
                                     REASON_HEADER: outcome.dead_reason[:1000]})
            await message.ack()
        except Exception as exc:  # noqa: BLE001 - unacked, the broker redelivers it
            log.warning("%s: %s not acked (%s: %s); the broker will redeliver it",
                        queue, routing_key, type(exc).__name__, exc)
            try:
                await message.nack(requeue=True)
            except Exception:  # noqa: BLE001 - a closed channel already returned it
                pass

    async def _delay_queue(self, queue: str, seconds: float) -> str:
        """A TTL queue that dead-letters back into the stage queue after the delay."""
        ms = max(1, int(seconds * 1000))
        name = f"{queue}.delay.{ms}"
        if name not in self._delay_queues:
            await self._channel.declare_queue(name, durable=True, arguments={
                "x-message-ttl": ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": queue,
            })
            self._delay_queues.add(name)
        return name

    async def _drain_dlq(self, queue: str) -> tuple[AbstractQueue, list[AbstractIncomingMessage]]:
        """Take every dead letter without acking, so each is seen once."""
        channel = await self._connection.channel()
        await self._declare(channel, queue)
        dlq = await channel.declare_queue(f"{queue}.dlq", durable=True, arguments={"x-queue-type": "quorum"})
        taken = []
        while (message := await dlq.get(no_ack=False, fail=False)) is not None:
            taken.append(message)
        return channel, taken

    async def dead_letters(self, stage: str) -> list[DeadLetter]:
        channel, taken = await self._drain_dlq(self._queue_name(stage))
        letters = [_dead_letter(stage, m) for m in taken]
        for message in taken:
            await message.nack(requeue=True)
        await channel.close()
        return letters

    async def replay_dead_letters(self, stage: str, limit: int | None = None) -> int:
        queue = self._queue_name(stage)
        channel, taken = await self._drain_dlq(queue)
        replayed = 0
        for message in taken:
            if limit is not None and replayed >= limit:
                await message.nack(requeue=True)
                continue
            letter = _dead_letter(stage, message)
            await self._publish(self._channel.default_exchange, queue, letter.body,
                                {ROUTING_KEY_HEADER: letter.routing_key, ATTEMPT_HEADER: 1})
            await message.ack()
            replayed += 1
        await channel.close()
        return replayed

    async def queue_depth(self, stage: str) -> int:
        """Messages ready in a stage's queue (0 when it does not exist yet)."""
        channel = await self._connection.channel()
        try:
            declared = await channel.declare_queue(self._queue_name(stage), passive=True)
            return declared.declaration_result.message_count
        except aio_pika.exceptions.ChannelClosed:
            return 0
        finally:
            if not channel.is_closed:
                await channel.close()


def _dead_letter(queue: str, message: AbstractIncomingMessage) -> DeadLetter:
    headers = dict(message.headers or {})
    reason = headers.get(REASON_HEADER)
    if reason is None:
        reason = "consumer died before ack too many times" if headers.get("x-death") else "unknown"
    key = headers.get(ROUTING_KEY_HEADER) or message.routing_key
    return DeadLetter(queue, str(key), message.body, str(reason), int(headers.get(ATTEMPT_HEADER) or 1))


def _safe(url: str) -> str:
    """The URL without its password, for logs."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"
