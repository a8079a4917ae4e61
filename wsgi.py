from screener import create_app

app = create_app()
