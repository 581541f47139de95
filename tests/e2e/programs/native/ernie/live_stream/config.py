"""Settings of the console."""

import os

import qianfan

MODEL = "ernie-4.5-turbo-32k"


def client_from_env() -> qianfan.Qianfan:
    return qianfan.Qianfan(api_key=os.environ["QIANFAN_API_KEY"], request_timeout=60)
