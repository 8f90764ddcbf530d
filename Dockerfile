FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY hotline ./hotline
COPY config ./config
RUN pip install --no-cache-dir . && useradd --create-home hotline
USER hotline
ENV HOTLINE_CONFIG_DIR=/app/config
EXPOSE 8000
# The web process answers /healthz; compose turns this off for the worker and scheduler.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"
CMD ["hotline", "serve", "--host", "0.0.0.0", "--port", "8000"]
