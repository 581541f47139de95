"""Command-line entry point: python app.py "How do I reset my password?" """

import sys

from chat import answer
from search import best_article

ARTICLES = {
    "Reset your password": "Open Settings, choose Security, then Reset password.",
    "Invoices": "Invoices are under Billing; download them as PDF.",
}


def main() -> None:
    question = " ".join(sys.argv[1:]) or "How do I reset my password?"
    print(f"Related article: {best_article(question, ARTICLES)}")
    print(answer(question))


if __name__ == "__main__":
    main()
