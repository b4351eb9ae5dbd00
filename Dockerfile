FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY core core
COPY accounts accounts
COPY quizapp quizapp
COPY projects projects
COPY mlcore mlcore
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build ALLOWED_HOSTS=build DJANGO_SETTINGS_MODULE=config.settings.production \
    A2B_VAR_DIR=/tmp/build python manage.py collectstatic --no-input
RUN useradd --create-home a2b && mkdir -p /data && chown a2b /data
USER a2b
EXPOSE 8000
