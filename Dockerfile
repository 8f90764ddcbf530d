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
CMD ["hotline", "serve", "--host", "0.0.0.0", "--port", "8000"]
