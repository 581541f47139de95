"""Client construction, shared by the digest jobs."""

import os

import qianfan

SUMMARY_MODEL = "ernie-4.5-turbo-128k"


def make_async_client() -> qianfan.Qianfan:
    # one client for both: the async calls are acreate
    return qianfan.Qianfan(api_key=os.environ["QIANFAN_API_KEY"], request_timeout=30)
