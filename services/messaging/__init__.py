"""Messages in and out: inbox, update claims, neutral messages, the channel port, outbox, cards."""
