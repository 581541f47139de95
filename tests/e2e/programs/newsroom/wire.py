"""The wire desk writes slugs through the agency's client (a subclass in another module)."""

from newsroom.agency import Agency


class SlugWriter(Agency):
    def slug(self, story: str) -> str:
        resp = self.client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"A three-word slug for: {story}"}],
            max_tokens=12,
        )
        return resp.choices[0].message.content
