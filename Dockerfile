FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
# The web app's templates and assets, which the compiled server reads from the source tree.
COPY --from=build /app/apps/api/src/web/views ./apps/api/src/web/views
COPY --from=build /app/apps/api/src/web/assets ./apps/api/src/web/assets
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
