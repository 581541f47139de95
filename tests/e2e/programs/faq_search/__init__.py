"""FAQ search: embeds the FAQ once and answers a query with the nearest entry."""
