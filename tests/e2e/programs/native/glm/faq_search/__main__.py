import sys

from faq_search.index import FaqIndex

FAQ = [
    "How do I reset my password?",
    "Where can I download my invoices?",
    "Can I change the email address of my account?",
    "How do I cancel my subscription?",
]


def main() -> int:
    index = FaqIndex(FAQ)
    entry, score = index.best("Where can I download my invoices?")
    print(f"indexed: {len(index.vectors)} x {len(index.vectors[0])}")
    print(f"best: {entry} ({score:.3f})")
    print(f"tokens: {index.tokens}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
