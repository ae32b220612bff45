FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# uvicorn's sans-I/O websockets protocol (read from the environment by every uvicorn command,
# docker-compose's too): the legacy protocol kept memory of every closed connection.
ENV UVICORN_WS=websockets-sansio
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
# Compile the allocator's kernels into the image, so that the first run does not wait for them.
RUN python -m groups.allocation warm
RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE 8000
# X-Forwarded-For/-Proto are believed only from TRUSTED_PROXIES (the same setting the rate limits read).
ENV TRUSTED_PROXIES=127.0.0.1,::1
CMD ["sh", "-c", "exec uvicorn wetheinternet.asgi:application --host 0.0.0.0 --port 8000 --proxy-headers --forwarded-allow-ips \"$TRUSTED_PROXIES\""]
