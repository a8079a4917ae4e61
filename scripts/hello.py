"""A bare Flask "hello": the yardstick scripts/bench --http measures the app against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
